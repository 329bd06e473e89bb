namespace Tailship.Events;

/// <summary>One event: a time and a record. The tag travels with the batch that holds it.</summary>
public readonly record struct Event(EventTime Time, Record Record);
