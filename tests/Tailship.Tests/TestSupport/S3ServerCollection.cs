namespace Tailship.Tests.TestSupport;

/// <summary>
/// Test classes that talk to the local S3 server: <c>[Collection(S3ServerCollection.Name)]</c>, and
/// take <see cref="S3ServerFixture"/> in their constructor. The server starts once for all of them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class S3ServerCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "S3 server";
}
