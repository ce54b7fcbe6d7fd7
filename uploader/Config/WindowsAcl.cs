using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace PecLists.Uploader.Config;

/// <summary>Windows: the config (it holds the token and the database password) readable only by its owner and SYSTEM.</summary>
[SupportedOSPlatform("windows")]
public static class WindowsAcl
{
    public static void RestrictToOwner(string path)
    {
        var security = new FileSecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        var owner = WindowsIdentity.GetCurrent().User!;
        security.AddAccessRule(new FileSystemAccessRule(owner, FileSystemRights.FullControl, AccessControlType.Allow));
        security.AddAccessRule(new FileSystemAccessRule(new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null), FileSystemRights.FullControl, AccessControlType.Allow));
        new FileInfo(path).SetAccessControl(security);
    }
}
