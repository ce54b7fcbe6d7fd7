using Ingest.Uploader.Commands;

return await UploaderCommandLine.Build().Parse(args).InvokeAsync();
