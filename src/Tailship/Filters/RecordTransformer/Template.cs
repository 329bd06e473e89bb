using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Filters.RecordTransformer;

/// <summary>
/// A <c>&lt;record&gt;</c> value, parsed once when the configuration is read: a string with placeholders, or, for a
/// value written as JSON, a map or array whose strings (and map keys) are templates.
/// </summary>
internal abstract partial class Template
{
    /// <summary>Every placeholder of the template, for checks at configuration time.</summary>
    public abstract IEnumerable<Placeholder> Placeholders { get; }

    public abstract RecordValue Expand(ExpansionScope scope);

    /// <summary>
    /// Reads a <c>&lt;record&gt;</c> value: text starting with <c>{</c> or <c>[</c> is JSON (as Fluentd's
    /// record_transformer reads it); when it is not valid JSON, <paramref name="jsonError"/> says why and the
    /// text is a string template, as in Fluentd.
    /// </summary>
    public static Template ParseValue(string text, bool autoTypecast, out string? jsonError)
    {
        jsonError = null;
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                return FromJson(doc.RootElement, autoTypecast);
            }
            catch (JsonException ex)
            {
                jsonError = ex.Message;
            }
        }

        return StringTemplate.Parse(text, autoTypecast);
    }

    private static Template FromJson(JsonElement element, bool autoTypecast) => element.ValueKind switch
    {
        JsonValueKind.Object => new MapTemplate(element.EnumerateObject()
            .Select(p => (StringTemplate.Parse(p.Name, autoTypecast: false), FromJson(p.Value, autoTypecast)))
            .ToArray()),
        JsonValueKind.Array => new ArrayTemplate(element.EnumerateArray().Select(e => FromJson(e, autoTypecast)).ToArray()),
        JsonValueKind.String => StringTemplate.Parse(element.GetString()!, autoTypecast),
        _ => new ConstantTemplate(JsonValues.FromElement(element)),
    };

    // Fluentd's placeholder syntax: ${ up to the next }, or __UPPER_CASE__ (which v1 never defines).
    [GeneratedRegex(@"\$\{[^}]+\}|__[A-Z_]+__", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    /// <summary>A string with placeholders: literal parts (UTF-8) around each placeholder.</summary>
    internal sealed class StringTemplate : Template
    {
        private readonly byte[][] _literals;
        private readonly Placeholder[] _placeholders;
        private readonly bool _whole;
        private readonly RecordValue _constant;

        private StringTemplate(string text, byte[][] literals, Placeholder[] placeholders, bool whole)
        {
            Text = text;
            _literals = literals;
            _placeholders = placeholders;
            _whole = whole;
            _constant = RecordValue.From(text);
        }

        public string Text { get; }

        public override IEnumerable<Placeholder> Placeholders => _placeholders;

        /// <param name="text">The template text.</param>
        /// <param name="autoTypecast">
        /// When the whole text is one placeholder, the value keeps its type (a number stays a number, a missing
        /// value is null) instead of being turned into text. Map keys are always text.
        /// </param>
        public static StringTemplate Parse(string text, bool autoTypecast)
        {
            var literals = new List<byte[]>();
            var placeholders = new List<Placeholder>();
            var at = 0;
            foreach (Match m in PlaceholderPattern().Matches(text))
            {
                literals.Add(Encoding.UTF8.GetBytes(text[at..m.Index]));
                placeholders.Add(Placeholder.Parse(m.Value));
                at = m.Index + m.Length;
            }

            literals.Add(Encoding.UTF8.GetBytes(text[at..]));
            var whole = autoTypecast && placeholders.Count == 1 && literals[0].Length == 0 && literals[1].Length == 0;
            return new StringTemplate(text, [.. literals], [.. placeholders], whole);
        }

        public override RecordValue Expand(ExpansionScope scope)
        {
            if (_placeholders.Length == 0)
            {
                return _constant;
            }

            if (_whole)
            {
                return scope.Resolve(_placeholders[0]);
            }

            var output = scope.Scratch;
            output.ResetWrittenCount();
            for (var i = 0; i < _placeholders.Length; i++)
            {
                output.Write(_literals[i]);
                Formatters.RubyText.WriteToS(scope.Resolve(_placeholders[i]), output);
            }

            output.Write(_literals[^1]);

            // Text is a string; bytes that are not UTF-8 (copied from a record value) are kept as they are.
            var bytes = output.WrittenSpan;
            return Utf8.IsValid(bytes) ? RecordValue.From(Encoding.UTF8.GetString(bytes)) : RecordValue.FromUtf8(bytes.ToArray());
        }

        /// <summary>The expansion as a map key (always text).</summary>
        public string ExpandKey(ExpansionScope scope)
        {
            if (_placeholders.Length == 0)
            {
                return Text;
            }

            var value = Expand(scope);
            return value.Kind == RecordValueKind.String ? value.AsString! : RubyConversions.ToS(value);
        }
    }

    private sealed class MapTemplate((StringTemplate Key, Template Value)[] entries) : Template
    {
        public override IEnumerable<Placeholder> Placeholders =>
            entries.SelectMany(e => e.Key.Placeholders.Concat(e.Value.Placeholders));

        public override RecordValue Expand(ExpansionScope scope)
        {
            var map = new Record(entries.Length);
            foreach (var (key, value) in entries)
            {
                map.Set(key.ExpandKey(scope), value.Expand(scope));
            }

            return RecordValue.FromMap(map);
        }
    }

    private sealed class ArrayTemplate(Template[] items) : Template
    {
        public override IEnumerable<Placeholder> Placeholders => items.SelectMany(i => i.Placeholders);

        public override RecordValue Expand(ExpansionScope scope) =>
            RecordValue.FromArray(items.Select(i => i.Expand(scope)).ToList());
    }

    private sealed class ConstantTemplate(RecordValue value) : Template
    {
        public override IEnumerable<Placeholder> Placeholders => [];

        // Constants inside JSON may be maps or arrays only through Map/ArrayTemplate, so sharing is safe.
        public override RecordValue Expand(ExpansionScope scope) => value;
    }
}
