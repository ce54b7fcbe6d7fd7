using PecLists.Functions.Commands;

return await FunctionsCommandLine.Build().Parse(args).InvokeAsync();
