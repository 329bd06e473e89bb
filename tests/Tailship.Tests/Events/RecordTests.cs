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
}
