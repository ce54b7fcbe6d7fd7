using System.Runtime.CompilerServices;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Tests;

/// <summary>Tests read English unless they ask for Portuguese (Localized.Use), whatever this machine's locale.</summary>
internal static class EnglishByDefault
{
    [ModuleInitializer]
    internal static void Pin() => Localized.PinOperatingSystemLanguage(Language.English);
}
