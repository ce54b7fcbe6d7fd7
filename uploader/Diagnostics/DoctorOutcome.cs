namespace PecLists.Uploader.Diagnostics;

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}
