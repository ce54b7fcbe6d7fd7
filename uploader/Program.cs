using PecLists.Uploader.Commands;

return await UploaderCommandLine.Build().Parse(args).InvokeAsync();
