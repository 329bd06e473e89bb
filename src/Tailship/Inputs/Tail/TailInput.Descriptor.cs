using System.Text;
using Tailship.Config;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Inputs.Tail;

internal sealed partial class TailInput
{
    /// <summary>Parser parameters a v0.12 source wrote next to <c>format</c>; moved into the generated <c>&lt;parse&gt;</c>.</summary>
    private static readonly HashSet<string> V012ParserParams = new(StringComparer.Ordinal)
    {
        "time_key", "time_format", "time_type", "keep_time_key", "localtime", "utc", "timezone", "types",
        "null_value_pattern", "null_empty_string", "estimate_current_event", "keys", "delimiter", "label_delimiter",
        "format_firstline", "message_key", "with_priority", "message_format", "rfc5424_time_format", "json_parser",
        "expression", "ignorecase", "multiline", "parser_type", "time_key_format",
        "format1", "format2", "format3", "format4", "format5", "format6", "format7", "format8", "format9", "format10",
        "format11", "format12", "format13", "format14", "format15", "format16", "format17", "format18", "format19", "format20",
    };

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<TailOptions>(
        new PluginSpec(PluginKind.Input, "tail", new SectionSpec("source", "Reads lines appended to files, following rotation; Fluentd's in_tail.")
        {
            Params =
            [
                ParamSpec.String("path", null, "Files to read: a comma-separated list of paths, globs (*, ?, [set], {a,b}, **) and strftime patterns (%Y/%m/%d)") with { Required = true },
                ParamSpec.String("path_delimiter", ",", "Separator of the path list"),
                ParamSpec.String("path_timezone", null, "Time zone for strftime patterns in path: +09:00, -0800 or a zone id; default: local time"),
                ParamSpec.Array("exclude_path", [], "Globs of files not to read, as a comma list or JSON array"),
                ParamSpec.String("tag", null, "Tag of the events; a * is replaced by the file's path with / turned into .") with { Required = true },
                ParamSpec.String("pos_file", null, "File recording how far each file was read, in Fluentd's format; without it positions live in memory only"),
                ParamSpec.Time("pos_file_compaction_interval", null, "How often entries of files no longer watched are removed from pos_file; default: only at start"),
                ParamSpec.Bool("read_from_head", false, "Read files found at start from their beginning instead of their end (files found later are always read from the beginning)"),
                ParamSpec.Time("refresh_interval", 60, "How often path is expanded again to find new and removed files"),
                ParamSpec.Time("rotate_wait", 5, "How long a rotated or removed file is still read before it is closed"),
                ParamSpec.Bool("follow_inodes", false, "Identify files by inode: a file renamed to another watched name is continued, not read again"),
                ParamSpec.Time("limit_recently_modified", null, "Watch only files modified within this time"),
                ParamSpec.Bool("skip_refresh_on_startup", false, "Do not expand path at start; the first expansion happens after refresh_interval"),
                ParamSpec.Integer("read_lines_limit", 1000, "Lines read from a file per batch handed to the router"),
                ParamSpec.Size("read_bytes_limit_per_second", null, "Bytes read per second per file (at least 8192); default: unlimited"),
                ParamSpec.Size("max_line_size", null, "Longest line kept, in bytes including its LF; longer lines are dropped with a warning; default: unlimited"),
                ParamSpec.String("path_key", null, "Record key that receives the file's path"),
                ParamSpec.String("encoding", null, "Encoding of the lines (UTF-8 or ASCII-8BIT; Tailship keeps lines as bytes)"),
                ParamSpec.String("from_encoding", null, "Encoding the file is written in; lines are converted from it to encoding (an ASCII-compatible encoding)"),
                ParamSpec.Bool("emit_unmatched_lines", false, "Emit lines the parser rejects as {\"unmatched_line\": LINE} instead of dropping them"),
                ParamSpec.Time("multiline_flush_interval", null, "With a multiline parser: how long an incomplete multi-line event waits for its next line before it is emitted"),
                ParamSpec.Bool("ignore_repeated_permission_error", false, "Warn only once per file about permission errors"),
                ParamSpec.Bool("enable_watch_timer", true, "Check every file once a second (catches what change notification misses)"),
                ParamSpec.Bool("enable_stat_watcher", true, "Use change notification (inotify) to read new lines at once"),
                ParamSpec.NotImplemented("open_on_every_update", "Open the file on every update"),
            ],
            Sections =
            [
                new SectionSpec("parse", "How each line becomes a record") { PluginKind = PluginKind.Parser, Required = true },
                new SectionSpec("group", "Rate limits per group of files") { Implemented = false },
            ],
        }),
        validate: Validate,
        build: (options, context) => new TailInput(options, context, CommitOnAcceptPolicy.Instance),
        normalize: Normalize);

    /// <summary>v0.12: <c>format X</c> (and parser parameters beside it) in the source become <c>&lt;parse&gt; @type X</c>.</summary>
    private static void Normalize(ConfigSection section, DiagnosticBag diagnostics)
    {
        var format = section.Find("format");
        if (format is null)
        {
            return;
        }

        if (section.Sections.Exists(s => s.Name == "parse"))
        {
            diagnostics.Error(format.Location, "'format' and <parse> are both given; keep only <parse>", section);
            section.Params.RemoveAll(p => p.Key == "format");
            return;
        }

        var parse = new ConfigSection("parse", string.Empty, format.Location);
        var value = format.Value.Trim();
        if (value.Length >= 2 && value[0] == '/' && value.LastIndexOf('/') > 0)
        {
            // format /regex/flags -> regexp parser; flags (i, m) are kept for the parser to read.
            var end = value.LastIndexOf('/');
            parse.Params.Add(new ConfigParam("@type", "regexp", format.Location, format.ValueLocation));
            parse.Params.Add(new ConfigParam("expression", value[..(end + 1)] + value[(end + 1)..], format.Location, format.ValueLocation));
        }
        else
        {
            parse.Params.Add(new ConfigParam("@type", value, format.Location, format.ValueLocation));
        }

        foreach (var p in section.Params.Where(p => V012ParserParams.Contains(p.Key)).ToList())
        {
            parse.Params.Add(p);
        }

        section.Params.RemoveAll(p => p.Key == "format" || V012ParserParams.Contains(p.Key));
        section.Sections.Add(parse);
    }

    private static TailOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var ok = true;
        var delimiter = cfg.GetString("path_delimiter") ?? ",";
        if (delimiter.Length == 0)
        {
            diagnostics.Error(cfg.LocationOf("path_delimiter"), "path_delimiter must not be empty");
            ok = false;
            delimiter = ",";
        }

        var paths = cfg.GetRequiredString("path").Split(delimiter).Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
        if (paths.Length == 0)
        {
            diagnostics.Error(cfg.LocationOf("path"), "path names no file; give a path, glob or list of them");
            ok = false;
        }

        TimeZoneSpec? zone = null;
        if (cfg.GetString("path_timezone") is { } zoneText)
        {
            if (TimeZones.TryParse(zoneText, out var parsed, out var zoneError))
            {
                zone = parsed;
            }
            else
            {
                diagnostics.Error(cfg.LocationOf("path_timezone"), $"path_timezone: {zoneError}");
                ok = false;
            }
        }

        var linesLimit = cfg.GetInt("read_lines_limit");
        if (linesLimit is < 1 or > int.MaxValue)
        {
            diagnostics.Error(cfg.LocationOf("read_lines_limit"), $"read_lines_limit must be at least 1, found {linesLimit}");
            ok = false;
        }

        var bytesLimit = cfg.GetSizeOrNull("read_bytes_limit_per_second");
        if (bytesLimit is { } b && b < 8192)
        {
            diagnostics.Warning(cfg.LocationOf("read_bytes_limit_per_second"), $"read_bytes_limit_per_second {b} is below the minimum; 8192 is used");
            bytesLimit = 8192;
        }

        if (!cfg.GetBool("enable_watch_timer") && !cfg.GetBool("enable_stat_watcher"))
        {
            diagnostics.Error(cfg.LocationOf("enable_watch_timer"), "enable_watch_timer and enable_stat_watcher are both false: no file would ever be read; enable at least one");
            ok = false;
        }

        var maxLine = cfg.GetSizeOrNull("max_line_size") ?? 0;
        var fromEncoding = ValidateEncodings(cfg, diagnostics, ref ok);
        var parse = cfg.GetSection("parse");
        if (!ok || parse is null)
        {
            return null;
        }

        return new TailOptions
        {
            Paths = paths,
            ExcludePaths = cfg.GetArray("exclude_path"),
            PathTimeZone = zone,
            Tag = cfg.GetRequiredString("tag"),
            PosFile = cfg.GetString("pos_file") is { Length: > 0 } pos ? Path.GetFullPath(pos) : null,
            PosFileCompactionInterval = cfg.GetTimeOrNull("pos_file_compaction_interval"),
            ReadFromHead = cfg.GetBool("read_from_head"),
            RefreshInterval = cfg.GetTime("refresh_interval"),
            RotateWait = cfg.GetTime("rotate_wait"),
            FollowInodes = cfg.GetBool("follow_inodes"),
            LimitRecentlyModified = cfg.GetTimeOrNull("limit_recently_modified"),
            SkipRefreshOnStartup = cfg.GetBool("skip_refresh_on_startup"),
            ReadLinesLimit = (int)linesLimit,
            ReadBytesLimitPerSecond = bytesLimit,
            MaxLineSize = maxLine,
            PathKey = cfg.GetString("path_key"),
            FromEncoding = fromEncoding,
            EmitUnmatchedLines = cfg.GetBool("emit_unmatched_lines"),
            MultilineFlushInterval = cfg.GetTimeOrNull("multiline_flush_interval"),
            IgnoreRepeatedPermissionError = cfg.GetBool("ignore_repeated_permission_error"),
            EnableWatchTimer = cfg.GetBool("enable_watch_timer"),
            EnableStatWatcher = cfg.GetBool("enable_stat_watcher"),
            Parse = parse,
        };
    }

    private static Encoding? ValidateEncodings(SectionConfig cfg, DiagnosticBag diagnostics, ref bool ok)
    {
        var encoding = cfg.GetString("encoding");
        var from = cfg.GetString("from_encoding");
        if (from is not null && encoding is null)
        {
            diagnostics.Error(cfg.LocationOf("from_encoding"), "from_encoding needs encoding too (the encoding to convert to, e.g. 'encoding UTF-8')");
            ok = false;
            return null;
        }

        if (encoding is not null && !IsUtf8(encoding) && !IsBinary(encoding))
        {
            diagnostics.Error(cfg.LocationOf("encoding"), $"encoding '{encoding}' is not supported: Tailship keeps text as UTF-8; use UTF-8 (or ASCII-8BIT to keep bytes as they are)");
            ok = false;
        }

        if (from is null || IsUtf8(from) || IsBinary(from))
        {
            return null;
        }

        var resolved = ResolveEncoding(from);
        if (resolved is null)
        {
            diagnostics.Error(cfg.LocationOf("from_encoding"), $"unknown encoding '{from}'");
            ok = false;
            return null;
        }

        if (resolved.GetByteCount("\n") != 1 || resolved.GetBytes("\n")[0] != (byte)'\n')
        {
            diagnostics.Error(cfg.LocationOf("from_encoding"), $"from_encoding '{from}' is not ASCII-compatible: lines are split on the LF byte, so UTF-16 and UTF-32 files cannot be read");
            ok = false;
            return null;
        }

        return resolved;
    }

    private static bool IsUtf8(string name) => name.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool IsBinary(string name) => name.Equals("ASCII-8BIT", StringComparison.OrdinalIgnoreCase) || name.Equals("BINARY", StringComparison.OrdinalIgnoreCase);

    private static Encoding? ResolveEncoding(string name)
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
