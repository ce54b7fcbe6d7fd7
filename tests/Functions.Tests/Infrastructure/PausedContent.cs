namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>A body that sends its first byte, then waits to be released: an upload in progress.</summary>
public sealed class PausedContent(byte[] body) : HttpContent
{
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(body.AsMemory(0, 1));
        await stream.FlushAsync();
        await Release.Task;
        await stream.WriteAsync(body.AsMemory(1));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
