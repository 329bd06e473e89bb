using System.Text.Json;
using Tailship.Config;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Inputs.Sample;

/// <summary>The validated configuration of <c>@type sample</c> (and its old name <c>dummy</c>).</summary>
public sealed record SampleOptions
{
    public const string DefaultSample = """[{"message":"sample"}]""";

    public required string Tag { get; init; }

    /// <summary>Events per emitted batch.</summary>
    public int Size { get; init; } = 1;

    /// <summary>Batches per second.</summary>
    public int Rate { get; init; } = 1;

    public string? AutoIncrementKey { get; init; }

    /// <summary>The records emitted in turn, cycling; each event gets its own deep copy.</summary>
    public required IReadOnlyList<Record> Samples { get; init; }

    internal static SampleOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var size = cfg.GetInt("size");
        if (size < 1 || size > 1_000_000)
        {
            diagnostics.Error(cfg.LocationOf("size"), $"parameter 'size': expected 1 to 1000000 events per emit, found {size}");
        }

        var rate = cfg.GetInt("rate");
        if (rate < 0 || rate > 1_000_000)
        {
            diagnostics.Error(cfg.LocationOf("rate"), $"parameter 'rate': expected 0 to 1000000 emits per second, found {rate}");
        }

        if (cfg.IsSet("suspend"))
        {
            diagnostics.Warning(cfg.LocationOf("suspend"), "parameter 'suspend' is ignored, as in Fluentd since v1.10: the auto-increment value starts from 0 at each start");
        }

        var samples = ParseSamples(cfg.GetRequiredString("sample"), cfg.LocationOf("sample"), diagnostics);
        if (samples is null || diagnostics.HasErrors)
        {
            return null;
        }

        return new SampleOptions
        {
            Tag = cfg.GetRequiredString("tag"),
            Size = (int)size,
            Rate = (int)rate,
            AutoIncrementKey = cfg.GetString("auto_increment_key"),
            Samples = samples,
        };
    }

    private static List<Record>? ParseSamples(string json, SourceLocation location, DiagnosticBag diagnostics)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var elements = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            var records = new List<Record>(elements.Count);
            for (var i = 0; i < elements.Count; i++)
            {
                if (elements[i].ValueKind != JsonValueKind.Object)
                {
                    diagnostics.Error(location, $"parameter 'sample': element {i} ({elements[i].GetRawText()}) is not a JSON object; write an object or an array of objects");
                    return null;
                }

                records.Add(JsonValues.ToRecord(elements[i]));
            }

            if (records.Count == 0)
            {
                diagnostics.Error(location, "parameter 'sample': the array is empty; write at least one object");
                return null;
            }

            return records;
        }
        catch (JsonException ex)
        {
            diagnostics.Error(location, $"parameter 'sample': invalid JSON ({ex.Message})");
            return null;
        }
    }
}
