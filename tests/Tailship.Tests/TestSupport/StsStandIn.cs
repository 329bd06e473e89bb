using System.Globalization;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A stand-in for STS on 127.0.0.1 answering AssumeRole and AssumeRoleWithWebIdentity (query protocol, XML
/// answers as documented) with fixed keys, and remembering the actions and tokens it was sent.
/// </summary>
internal sealed class StsStandIn : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly string _accessKey;
    private readonly string _secretKey;

    public StsStandIn(string accessKey, string secretKey)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _server = new LoopbackHttpServer(Answer);
    }

    public Uri Url => _server.Url;

    /// <summary>Form bodies of the requests received.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Bodies { get; } = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private (int Status, string ContentType, string Body) Answer(LoopbackRequest request)
    {
        Bodies.Enqueue(request.Body);
        var action = request.Body.Contains("Action=AssumeRoleWithWebIdentity", StringComparison.Ordinal) ? "AssumeRoleWithWebIdentity"
            : request.Body.Contains("Action=AssumeRole", StringComparison.Ordinal) ? "AssumeRole" : null;
        if (action is null)
        {
            return (400, "text/xml", "<ErrorResponse><Error><Code>InvalidAction</Code><Message>unknown</Message></Error></ErrorResponse>");
        }

        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return (200, "text/xml", $"""
            <{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <{action}Result>
                <Credentials>
                  <AccessKeyId>{_accessKey}</AccessKeyId>
                  <SecretAccessKey>{_secretKey}</SecretAccessKey>
                  <SessionToken></SessionToken>
                  <Expiration>{expiration}</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/test/session</Arn>
                  <AssumedRoleId>AROATEST:session</AssumedRoleId>
                </AssumedRoleUser>
              </{action}Result>
              <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
            </{action}Response>
            """);
    }
}
