namespace PecLists.Functions.Ingest;

/// <summary>What <see cref="SnapshotBodyCheck"/> found wrong with an upload's body, if anything.</summary>
public enum BodyVerdict
{
    Ok,
    BadGzip,
    TooLarge,
    BadHeader,
    BadEncoding,
    Empty,
}
