namespace Bench;

public enum LagChangeKind
{
    None,
    Insert,
    Update,
    SoftDelete,
}
