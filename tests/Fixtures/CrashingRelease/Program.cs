// What a release that cannot start looks like to the launcher: its doctor passes (so the update installs it), and the
// run it is then started for ends at once with exit 1, the uploader's "unexpected failure" (uploader/ExitCodes.cs).
if (args.Length > 0 && args[0] == "doctor")
{
    return 0;
}

await Console.Error.WriteLineAsync("this release cannot start");
return 1;
