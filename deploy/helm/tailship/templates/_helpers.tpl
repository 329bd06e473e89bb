{{/* The chart's name, or nameOverride. */}}
{{- define "tailship.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: fullnameOverride, else the release name plus the chart's name unless it holds it. */}}
{{- define "tailship.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "tailship.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tailship.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tailship.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tailship.labels" -}}
{{ include "tailship.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tailship.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "tailship.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The tailship container, the same in both modes; the caller adds what differs (mounts, env). */}}
{{- define "tailship.container" -}}
image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
args: ["-c", "/fluentd/etc/tailship.conf", "--shutdown-timeout", "{{ .Values.shutdownTimeoutSeconds }}s"]
ports:
- name: health
  containerPort: {{ .Values.health.port }}
livenessProbe:
  {{- toYaml .Values.health.livenessProbe | nindent 2 }}
readinessProbe:
  {{- toYaml .Values.health.readinessProbe | nindent 2 }}
{{- if eq .Values.mode "daemonset" }}
resources:
  {{- toYaml .Values.daemonset.resources | nindent 2 }}
{{- else }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}
