namespace LocalInfra;

public sealed record ComparisonResult(long SourceRows, long CentralRows, long OnlyInSource, long OnlyInCentral)
{
    public bool Equal => SourceRows == CentralRows && OnlyInSource == 0 && OnlyInCentral == 0;
}
