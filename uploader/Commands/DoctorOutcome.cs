namespace PecLists.Uploader.Commands;

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}
