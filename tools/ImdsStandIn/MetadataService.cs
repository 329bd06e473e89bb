using System.Globalization;

namespace Tailship.Tools.ImdsStandIn;

/// <summary>
/// The metadata service's answers, as documented for EC2: <c>PUT /latest/api/token</c> with
/// <c>X-aws-ec2-metadata-token-ttl-seconds</c> returns a token (IMDSv2); every other request must carry it in
/// <c>X-aws-ec2-metadata-token</c> (IMDSv1 is refused, as on an instance that requires v2);
/// <c>/latest/meta-data/iam/security-credentials/</c> lists the role and <c>.../ROLE</c> returns the credentials
/// JSON with an <c>Expiration</c> six hours ahead (the SDK refreshes before it).
/// </summary>
internal sealed class MetadataService(string role, string accessKey, string secretKey, TimeProvider time)
{
    private const string CredentialsPrefix = "/latest/meta-data/iam/security-credentials/";
    private readonly string _token = Guid.NewGuid().ToString("N");

    public HttpAnswer Answer(HttpRequestHead request)
    {
        if (request.Method == "PUT" && request.Path == "/latest/api/token")
        {
            return request.Headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds")
                ? HttpAnswer.Text(200, _token)
                : HttpAnswer.Text(400, "missing X-aws-ec2-metadata-token-ttl-seconds");
        }

        if (!request.Headers.TryGetValue("X-aws-ec2-metadata-token", out var token) || token != _token)
        {
            return HttpAnswer.Text(401, string.Empty);
        }

        if (request.Method != "GET")
        {
            return HttpAnswer.Text(405, string.Empty);
        }

        if (request.Path == CredentialsPrefix)
        {
            return HttpAnswer.Text(200, role);
        }

        if (request.Path == CredentialsPrefix + role)
        {
            var now = time.GetUtcNow();
            return HttpAnswer.Text(200, $$"""
                {
                  "Code" : "Success",
                  "LastUpdated" : "{{Iso(now)}}",
                  "Type" : "AWS-HMAC",
                  "AccessKeyId" : "{{accessKey}}",
                  "SecretAccessKey" : "{{secretKey}}",
                  "Token" : "",
                  "Expiration" : "{{Iso(now.AddHours(6))}}"
                }
                """);
        }

        if (request.Path == "/latest/meta-data/iam/info")
        {
            return HttpAnswer.Text(200, $$"""{"Code":"Success","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/{{role}}","InstanceProfileId":"AIPATAILSHIPDEMO"}""");
        }

        return HttpAnswer.Text(404, string.Empty);
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
