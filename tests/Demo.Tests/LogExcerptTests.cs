using Demo;

namespace Demo.Tests;

public class LogExcerptTests
{
    [Fact]
    public void Keeps_warnings_errors_and_lines_naming_what_failed_in_log_order()
    {
        string[] log =
        [
            "functions | 10:00:01 info: SnapshotIngestor[1001] received 0190aaaa for 2304400",
            "functions | 10:00:02 warn: LoadFunction[2002] retrying 0190bbbb",
            "functions | 10:00:03 info: SnapshotLoader[3001] loaded 0190cccc for 2611606",
            "functions | 10:00:04 fail: LoadFunction[2003] 0190bbbb failed: boom",
            "uploader 2611606 | done",
        ];

        var excerpt = LogExcerpt.Select(log, ["0190aaaa"]);

        Assert.Equal([log[0], log[1], log[3]], excerpt);
    }

    [Fact]
    public void Keeps_only_the_last_lines_when_there_are_many()
    {
        var log = Enumerable.Range(1, 100).Select(i => $"warn: line {i}");

        var excerpt = LogExcerpt.Select(log, [], most: 3);

        Assert.Equal(["warn: line 98", "warn: line 99", "warn: line 100"], excerpt);
    }

    [Fact]
    public void Many_lines_that_only_mention_what_failed_do_not_hide_the_errors()
    {
        var log = new List<string> { "fail: 0190bbbb schema-mismatch" };
        log.AddRange(Enumerable.Range(1, 50).Select(i => $"info: site 2611606 line {i}"));

        var excerpt = LogExcerpt.Select(log, ["2611606"], most: 5);

        Assert.Equal(["fail: 0190bbbb schema-mismatch", "info: site 2611606 line 47", "info: site 2611606 line 48", "info: site 2611606 line 49", "info: site 2611606 line 50"], excerpt);
    }
}
