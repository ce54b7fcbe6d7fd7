namespace LocalInfra.Usuarios;

/// <summary>
/// How <see cref="UsuariosWorkload"/> changes the table: how many changes a day (150,000 by default, the size issue 22
/// names), how much faster than real time, the mix of kinds, and the share of transactions that commit late.
/// </summary>
public sealed record UsuariosWorkloadOptions
{
    public int ChangesPerDay { get; init; } = 150_000;

    /// <summary>Time runs this many times faster than real time: 150,000 a day × 20 is about 35 changes a second.</summary>
    public double Speedup { get; init; } = 1;

    public double InsertShare { get; init; } = 0.30;

    public double SoftDeleteShare { get; init; } = 0.07;

    public double HardDeleteShare { get; init; } = 0.03;

    /// <summary>The rest are updates (of the name, the e-mail or the phone).</summary>
    public double UpdateShare => 1 - InsertShare - SoftDeleteShare - HardDeleteShare;

    /// <summary>Share of changes made in a transaction that stays open <see cref="LateCommitDelay"/> before it commits.</summary>
    public double LateCommitShare { get; init; } = 0.05;

    public TimeSpan LateCommitDelay { get; init; } = TimeSpan.FromSeconds(3);

    public int Seed { get; init; } = 22;

    public TimeSpan Interval => TimeSpan.FromSeconds(86_400 / (ChangesPerDay * Speedup));

    public void Validate()
    {
        if (ChangesPerDay < 1 || Speedup <= 0)
        {
            throw new ArgumentException("changes per day and speed-up must be positive");
        }

        if (InsertShare < 0 || SoftDeleteShare < 0 || HardDeleteShare < 0 || UpdateShare < 0 || LateCommitShare is < 0 or > 1)
        {
            throw new ArgumentException("the shares of inserts, soft and hard deletes must be between 0 and 1 and add up to at most 1");
        }
    }
}
