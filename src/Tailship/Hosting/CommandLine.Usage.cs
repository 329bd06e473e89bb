namespace Tailship.Hosting;

internal static partial class CommandLine
{
    /// <summary>The text of <c>tailship --help</c>; docs/cli.md says the same at more length.</summary>
    public const string Usage = """
        Usage: tailship [options]

        Tailship ships logs like Fluentd, from the same fluent.conf, with far less CPU and memory.

        Options:
          -c, --config FILE          configuration file (default: $FLUENT_CONF, else /etc/fluent/fluent.conf);
                                     fluent.conf syntax, or Fluentd's YAML format when it ends in .yaml or .yml
              --dry-run              read and validate the configuration, print every problem, then exit
          -v, --verbose              more log: -v debug, -vv trace
          -q, --quiet                less log: -q warn, -qq error
              --log-format FORMAT    agent log format: text (Fluentd's lines) or json (one object per line)
          -o, --log FILE             append the agent log to FILE instead of stderr
              --suppress-config-dump do not print the configuration at start
              --shutdown-timeout T   deadline to stop gracefully after SIGTERM or SIGINT (default: 25s)
              --http-server ADDR     serve /metrics, /healthz, /readyz and /api/plugins.json on ADDR:
                                     PORT (127.0.0.1), HOST:PORT or [IPV6]:PORT; the config file is left as it is
          -h, --help [TYPE]          this help, or the parameters of the plugin(s) named TYPE
              --version              print the version and exit

        With no arguments, the words of $FLUENTD_ARGS are used as the arguments.
        Exit codes: 0 ok or stopped gracefully, 1 invalid configuration, 2 usage error,
                    3 failure at start or at run time (or stop forced by a second signal).

        """;
}
