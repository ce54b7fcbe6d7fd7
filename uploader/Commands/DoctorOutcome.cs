namespace Ingest.Uploader.Commands;

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}
