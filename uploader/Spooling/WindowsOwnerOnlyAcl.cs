using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// Windows: a folder readable only by the account that runs the uploader (SYSTEM for the scheduled task), SYSTEM and
/// Administrators, protected from ProgramData's inherited read for Users and inherited by everything inside.
/// </summary>
[SupportedOSPlatform("windows")]
public static class WindowsOwnerOnlyAcl
{
    public static void Restrict(string directory)
    {
        const InheritanceFlags inherit = InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit;
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        foreach (var who in new[]
        {
            WindowsIdentity.GetCurrent().User!,
            new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null),
            new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null),
        })
        {
            security.AddAccessRule(new FileSystemAccessRule(who, FileSystemRights.FullControl, inherit, PropagationFlags.None, AccessControlType.Allow));
        }

        new DirectoryInfo(directory).SetAccessControl(security);
    }
}
