using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Updating;

/// <summary>
/// A release on trial writes <c>versions/&lt;version&gt;/.started</c> once its run or watch really began (config read,
/// command understood): the launcher then tells a crash at start from a first run that failed.
/// </summary>
public static class StartedMarker
{
    public static void Write()
    {
        if (!InstallLayout.IsLaunchedRelease)
        {
            return;
        }

        var layout = InstallLayout.ForThisProcess();
        try
        {
            if (Directory.Exists(layout.VersionDirectory(BackendClient.Version)))
            {
                File.WriteAllText(layout.StartedMarkerOf(BackendClient.Version), string.Empty);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without the marker a failure counts as a crash at start: still rolled back, with a coarser reason.
        }
    }
}
