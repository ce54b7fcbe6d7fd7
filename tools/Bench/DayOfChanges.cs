namespace Bench;

/// <summary>How the day's changes of the usuarios benchmark split (each row touched once).</summary>
public sealed record DayOfChanges(int Updates, int Inserts, int SoftDeletes, int HardDeletes)
{
    public int Total => Updates + Inserts + SoftDeletes + HardDeletes;
}
