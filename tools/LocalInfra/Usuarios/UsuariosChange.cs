namespace LocalInfra.Usuarios;

/// <summary>
/// One committed change of the workload: the row, what was done, the row's <c>updated_at</c> as written (the
/// transaction's start) and when the commit returned (the source's clock; the same machine in a test).
/// </summary>
public sealed record UsuariosChange(long Id, UsuariosChangeKind Kind, DateTimeOffset UpdatedAt, DateTimeOffset CommittedAt)
{
    /// <summary>Committed after its own <c>updated_at</c> by more than an ordinary write takes: the late-commit trap.</summary>
    public bool CommittedLate(TimeSpan moreThan) => CommittedAt - UpdatedAt > moreThan;
}
