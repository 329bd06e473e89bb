using Tailship.Config;

namespace Tailship.Buffers;

/// <summary>The retry parameters of a <c>&lt;buffer&gt;</c>, with Fluentd's defaults.</summary>
public sealed record RetryOptions
{
    public bool Exponential { get; init; } = true;

    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(1);

    public double BackoffBase { get; init; } = 2;

    public TimeSpan? MaxInterval { get; init; }

    public bool Randomize { get; init; } = true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(72);

    public long? MaxTimes { get; init; }

    public bool Forever { get; init; }

    public double SecondaryThreshold { get; init; } = 0.8;

    public static RetryOptions? FromConfig(SectionConfig section, DiagnosticBag diagnostics)
    {
        var ok = true;
        var threshold = section.GetFloat("retry_secondary_threshold");
        if (threshold is <= 0 or > 1)
        {
            diagnostics.Error(section.LocationOf("retry_secondary_threshold"), "'retry_secondary_threshold' must be greater than 0 and at most 1");
            ok = false;
        }

        var @base = section.GetFloat("retry_exponential_backoff_base");
        if (@base < 1)
        {
            diagnostics.Error(section.LocationOf("retry_exponential_backoff_base"), "'retry_exponential_backoff_base' must be at least 1");
            ok = false;
        }

        if (section.GetTime("retry_wait") <= TimeSpan.Zero)
        {
            diagnostics.Error(section.LocationOf("retry_wait"), "'retry_wait' must be positive");
            ok = false;
        }

        if (section.GetIntOrNull("retry_max_times") is < 0)
        {
            diagnostics.Error(section.LocationOf("retry_max_times"), "'retry_max_times' must not be negative");
            ok = false;
        }

        return ok
            ? new RetryOptions
            {
                Exponential = section.GetString("retry_type") != "periodic",
                Wait = section.GetTime("retry_wait"),
                BackoffBase = @base,
                MaxInterval = section.GetTimeOrNull("retry_max_interval"),
                Randomize = section.GetBool("retry_randomize"),
                Timeout = section.GetTime("retry_timeout"),
                MaxTimes = section.GetIntOrNull("retry_max_times"),
                Forever = section.GetBool("retry_forever"),
                SecondaryThreshold = threshold,
            }
            : null;
    }
}
