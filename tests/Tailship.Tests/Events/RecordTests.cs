using Record = Tailship.Events.Record;

namespace Tailship.Tests.Events;

public sealed class RecordTests
{
    [Fact]
    public void Set_ExistingKeyKeepsItsPosition_NewKeyGoesLast()
    {
        var record = new Record(1);
        record.Append("a", 1L);
        record.Append("b", 2L);
        record.Set("a", "one");
        record.Set("c", 3L);
        Assert.Equal(["a", "b", "c"], record.Select(kv => kv.Key));
        Assert.Equal("one", record["a"].AsString);
        Assert.Equal(3, record.Count);
    }

    [Fact]
    public void Remove_ShiftsTheRest_AndClearEmpties()
    {
        var record = new Record(2);
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            record.Append(key, key);
        }

        Assert.True(record.Remove("b"));
        Assert.False(record.Remove("b"));
        Assert.Equal(["a", "c", "d", "e"], record.Select(kv => kv.Key));
        Assert.Equal("d", record.ValueAt(2).AsString);
        record.Clear();
        Assert.Equal(0, record.Count);
        Assert.False(record.ContainsKey("a"));
    }

    [Fact]
    public void Clone_IsIndependent()
    {
        var record = new Record();
        record.Append("a", 1L);
        record.Append("b", 2L);
        var copy = record.Clone();
        copy.Set("a", 10L);
        copy.Append("z", true);
        Assert.Equal(1L, record["a"].AsInteger);
        Assert.Equal(2, record.Count);
        Assert.Equal(["a", "b", "z"], copy.Select(kv => kv.Key));
        Assert.Equal(10L, copy["a"].AsInteger);
        Assert.NotEqual(record, copy);
    }

    [Fact]
    public void EmptyClone_CanGrow()
    {
        var copy = new Record().Clone();
        copy.Append("a", 1L);
        copy.Append("b", 2L);
        Assert.Equal(2, copy.Count);
    }

    [Fact]
    public void OneFieldRecord_GrowsAndShrinksAcrossItsInlineEntry()
    {
        var record = new Record(1);
        record.Append("a", 1L);
        Assert.Equal("a", record.KeyAt(0));
        record.Append("b", 2L);
        record.Append("c", 3L);
        Assert.True(record.Remove("a"));
        Assert.Equal(["b", "c"], record.Select(kv => kv.Key));
        Assert.Equal(2L, record.ValueAt(0).AsInteger);
        Assert.True(record.Remove("c"));
        Assert.True(record.Remove("b"));
        Assert.Equal(0, record.Count);
        record.Append("d", 4L);
        record.Set("e", 5L);
        Assert.Equal(["d", "e"], record.Select(kv => kv.Key));
        var copy = record.Clone();
        record.Clear();
        Assert.Equal(0, record.Count);
        Assert.Equal(["d", "e"], copy.Select(kv => kv.Key));
        Assert.Equal(5L, copy["e"].AsInteger);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void AnyCapacity_HoldsManyFieldsInOrder(int capacity)
    {
        var record = new Record(capacity);
        var keys = Enumerable.Range(0, 40).Select(i => "k" + i).ToArray();
        foreach (var key in keys)
        {
            record.Append(key, key);
        }

        Assert.Equal(keys, record.Select(kv => kv.Key));
        Assert.Equal(keys, Enumerable.Range(0, record.Count).Select(i => record.ValueAt(i).AsString));
        Assert.Equal(record, record.Clone());
    }
}
