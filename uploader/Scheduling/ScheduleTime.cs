using System.Security.Cryptography;
using System.Text;

namespace PecLists.Uploader.Scheduling;

/// <summary>
/// The daily run time of a site: a deterministic spot inside a window (default 01:00–06:00), derived from the site's
/// IBGE code, so hundreds of sites never fire at the same minute and re-installing gives the same time.
/// </summary>
public static class ScheduleTime
{
    public static TimeOnly For(string siteId, TimeOnly windowStart, TimeSpan windowLength)
    {
        if (windowLength <= TimeSpan.Zero || windowLength > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(windowLength), "The window must be between 1 minute and 24 hours.");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(siteId));
        var minutes = (int)(BitConverter.ToUInt32(hash, 0) % (uint)windowLength.TotalMinutes);
        return windowStart.Add(TimeSpan.FromMinutes(minutes));
    }
}
