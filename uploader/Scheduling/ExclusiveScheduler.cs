using System.ComponentModel;

namespace PecLists.Uploader.Scheduling;

/// <summary>Registers with <paramref name="chosen"/> after removing the job from <paramref name="other"/>.</summary>
public sealed class ExclusiveScheduler(IScheduler chosen, IScheduler other) : IScheduler
{
    public string Register(ScheduledJob job)
    {
        RemoveFromOther();
        return chosen.Register(job);
    }

    public void Unregister()
    {
        chosen.Unregister();
        RemoveFromOther();
    }

    public string? Current() => chosen.Current();

    private void RemoveFromOther()
    {
        try
        {
            other.Unregister();
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or IOException or UnauthorizedAccessException)
        {
            // The other scheduler is absent or not ours to touch: nothing of ours can be registered there.
        }
    }
}
