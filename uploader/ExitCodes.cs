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

    /// <summary>A list definition's signature is missing or does not verify with the pinned key: that list was not run.</summary>
    public const int DefinitionSignature = 8;

    /// <summary>The spool disk is below its free-space floor (spoolMinFreeBytes) or ran out of space: nothing was extracted.</summary>
    public const int DiskFull = 9;
}
