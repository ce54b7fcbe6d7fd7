namespace Ingest.Uploader.Transport;

public enum UploadOutcome
{
    Accepted,
    Rejected,
    Unauthorized,
    Unreachable,
}
