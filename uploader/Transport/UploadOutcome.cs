namespace PecLists.Uploader.Transport;

public enum UploadOutcome
{
    Accepted,
    Rejected,
    Unauthorized,
    Unreachable,
}
