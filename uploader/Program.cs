using PecLists.Uploader.Commands;
using PecLists.Uploader.Updating;

// The installed binary is also the launcher: it starts the current release from versions/ when there is a newer one
// (docs/adr/0027-uploader-self-update.md); a release it started runs the command itself.
return await Launcher.MainAsync(args, a => UploaderCommandLine.Build().Parse(a).InvokeAsync());
