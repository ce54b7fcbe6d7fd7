namespace PecLists.Uploader.Pipeline;

/// <summary>Which lists a run extracts.</summary>
public enum RunScope
{
    /// <summary>Every list (the daily <c>run</c>): a scheduled list gets one more poll, which its mode makes harmless.</summary>
    All,

    /// <summary>Only lists with a schedule whose next poll is due (a tick of <c>watch</c>).</summary>
    Scheduled,
}
