using PecLists.Contracts;

namespace PecLists.Uploader;

/// <summary>Distinct exit codes per failure category, so a scheduler or a person can tell what happened.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int Config = 2;
    public const int Network = 3;
    public const int Database = 4;
    public const int Token = 5;
    public const int Rejected = 6;

    /// <summary>Another run was already in progress on this spool; this one did nothing.</summary>
    public const int Busy = 7;

    /// <summary>
    /// A list definition was refused: its signature is missing or does not verify with the pinned key, or its SQL is not
    /// one statement. That list was not run.
    /// </summary>
    public const int DefinitionSignature = 8;

    /// <summary>The spool disk is below its free-space floor (spoolMinFreeBytes) or ran out of space: nothing was extracted.</summary>
    public const int DiskFull = 9;

    /// <summary>
    /// An HTTP list's API could not be read (source-api) or answered another shape than its definition reads
    /// (source-shape). Not <see cref="Database"/>: the heartbeat's databaseReachable stays true.
    /// </summary>
    public const int SourceApi = 10;

    /// <summary>
    /// Not a failure: a watch installed a new release and stops so the launcher starts it (docs/adr/0027). Only the
    /// launcher sees it; the highest code the uploader uses (anything above is a crash).
    /// </summary>
    public const int Updated = 11;

    /// <summary>The exit code of a failure category (contracts' <see cref="FailureCategories"/>): run and doctor agree.</summary>
    public static int For(string category) => category switch
    {
        FailureCategories.Network or FailureCategories.TlsProxy or FailureCategories.BackendError or FailureCategories.ClockSkew => Network,
        FailureCategories.SourceDatabase or FailureCategories.SourceSchema or FailureCategories.ExtractTimeout => Database,
        FailureCategories.Token => Token,
        FailureCategories.SnapshotRejected => Rejected,
        FailureCategories.DefinitionSignature => DefinitionSignature,
        FailureCategories.DiskFull => DiskFull,
        FailureCategories.Config => Config,
        FailureCategories.SourceApi or FailureCategories.SourceShape => SourceApi,
        _ => Unexpected,
    };

    /// <summary>The category an exit code stands for when nothing finer was recorded.</summary>
    public static string? CategoryOf(int exitCode) => exitCode switch
    {
        Ok => null,
        Network => FailureCategories.Network,
        Database => FailureCategories.SourceDatabase,
        Token => FailureCategories.Token,
        Rejected => FailureCategories.SnapshotRejected,
        Config => FailureCategories.Config,
        DefinitionSignature => FailureCategories.DefinitionSignature,
        DiskFull => FailureCategories.DiskFull,
        SourceApi => FailureCategories.SourceApi,
        _ => FailureCategories.Unexpected,
    };
}
