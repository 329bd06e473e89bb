using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.Copy;

/// <summary>
/// <c>@type copy</c>: gives every event to each <c>&lt;store&gt;</c> in order (Fluentd's out_copy). A store that
/// throws fails the emit, and later stores do not get the batch, unless it is marked <c>ignore_error</c>.
/// </summary>
internal sealed partial class CopyOutput : IOutput, IAsyncDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<CopyOptions>(
        new PluginSpec(PluginKind.Output, "copy", new SectionSpec("match", "Sends each event to several outputs.")
        {
            Params =
            [
                ParamSpec.Enum("copy_mode", "no_copy", ["no_copy", "shallow", "deep", "marshal"], "How stores get events: shared (no_copy), records copied (shallow), or copied with nested values (deep, marshal)."),
                ParamSpec.Bool("deep_copy", false, "Deprecated: true means copy_mode shallow."),
            ],
            Sections =
            [
                new SectionSpec("store", "An output that gets a copy of every event; <store ignore_error> logs its failures instead of failing the emit.")
                {
                    Multiple = true,
                    Required = true,
                    PluginKind = PluginKind.Output,
                },
            ],
        }),
        validate: Validate,
        build: (options, context) => new CopyOutput(options, context),
        normalize: CheckStoreArguments);

    private static readonly string[] StoreArguments = ["ignore_error", "ignore_if_prev_success"];

    private readonly CopyMode _mode;
    private readonly (IOutput Output, CopyStore Store, string Id)[] _stores;
    private readonly ILogger _logger;

    private CopyOutput(CopyOptions options, PluginContext context)
    {
        _mode = options.Mode;
        _logger = context.CreateLogger("Tailship.Outputs.Copy");
        _stores = new (IOutput, CopyStore, string)[options.Stores.Count];
        for (var i = 0; i < _stores.Length; i++)
        {
            var store = options.Stores[i];
            var id = store.Section.Source.Find("@id")?.Value ?? $"{context.PluginId}/store{i}";
            _stores[i] = (context.CreateNested<IOutput>(store.Section), store, id);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (output, _, _) in _stores)
        {
            await output.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        // Fluentd's rule: a store marked ignore_if_prev_success is skipped only when the store just before it
        // was emitted to and succeeded; a skipped store does not count as a success.
        var previousSucceeded = false;
        for (var i = 0; i < _stores.Length; i++)
        {
            var (output, store, id) = _stores[i];
            if (i > 0 && previousSucceeded && store.IgnoreIfPrevSuccess)
            {
                previousSucceeded = false;
                continue;
            }

            previousSucceeded = false;
            try
            {
                var events = _mode == CopyMode.NoCopy ? batch : RecordCopy.Copy(batch, _mode);
                await output.EmitAsync(tag, events, cancellationToken).ConfigureAwait(false);
                previousSucceeded = true;
            }
            catch (Exception ex) when (store.IgnoreError && ex is not OperationCanceledException)
            {
                LogIgnoredStoreError(_logger, id, ex.GetType().Name, ex.Message, ex);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<Exception>? errors = null;
        for (var i = _stores.Length - 1; i >= 0; i--)
        {
            try
            {
                await _stores[i].Output.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Every store gets its chance to stop; the failures are reported together below.
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("copy: some stores failed to stop", errors);
        }
    }

    /// <summary>Disposes the stores (the pipeline only knows this output); every store is disposed even if one throws.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Exception>? errors = null;
        foreach (var (output, _, _) in _stores)
        {
            try
            {
                switch (output)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("copy: some stores failed to dispose", errors);
        }
    }

    private static CopyOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        var mode = config.GetString("copy_mode") switch
        {
            "shallow" => CopyMode.Shallow,
            "deep" or "marshal" => CopyMode.Deep,
            _ => CopyMode.NoCopy,
        };
        if (mode == CopyMode.NoCopy && config.GetBool("deep_copy"))
        {
            mode = CopyMode.Shallow;
        }

        var stores = new List<CopyStore>();
        foreach (var section in config.GetSections("store"))
        {
            var words = StoreWords(section.Source);
            stores.Add(new CopyStore(section, words.Contains("ignore_error"), words.Contains("ignore_if_prev_success")));
        }

        return new CopyOptions(mode, stores);
    }

    private static string[] StoreWords(ConfigSection store) =>
        store.Argument.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Checks the <c>&lt;store&gt;</c> arguments before binding, so that a typo is reported even when a store's
    /// plugin has errors of its own (validation only runs on an error-free bind).
    /// </summary>
    private static void CheckStoreArguments(ConfigSection section, DiagnosticBag diagnostics)
    {
        foreach (var store in section.Sections.Where(s => s.Name == "store"))
        {
            foreach (var word in StoreWords(store).Where(w => !StoreArguments.Contains(w)))
            {
                var suggestion = Suggest.Closest(word, StoreArguments);
                diagnostics.Error(
                    store.Location,
                    $"unknown <store> argument '{word}'; expected ignore_error or ignore_if_prev_success"
                    + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?"),
                    section);
            }
        }
    }

    [LoggerMessage(EventId = 150, Level = LogLevel.Error, Message = "ignore emit error in {StoreId} error_class={ErrorClass} error=\"{Error}\"")]
    private static partial void LogIgnoredStoreError(ILogger logger, string storeId, string errorClass, string error, Exception exception);
}
