namespace Tailship.Hosting;

/// <summary>The process exit codes of <c>tailship</c>, documented in <c>docs/cli.md</c>. Scripts depend on them: never renumber.</summary>
internal static class ExitCodes
{
    /// <summary>Stopped gracefully, or the requested action (help, version, a valid dry run) succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The configuration is invalid: every problem was printed.</summary>
    public const int InvalidConfig = 1;

    /// <summary>The command line is wrong (unknown option, missing value, unsupported Fluentd option).</summary>
    public const int Usage = 2;

    /// <summary>The agent failed to start or failed while running, or it had to be forced to stop.</summary>
    public const int Failure = 3;
}
