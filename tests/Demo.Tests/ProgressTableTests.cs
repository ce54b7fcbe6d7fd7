using System.Text.RegularExpressions;
using Demo;

namespace Demo.Tests;

public class ProgressTableTests
{
    private static readonly (string Key, string Label)[] Sites = [("2611606", "2611606 Recife"), ("2304400", "2304400 Fortaleza")];
    private static readonly string[] Lists = ["diabeticos", "hipertensos"];

    private static (ProgressTable Table, StringWriter Output) Plain()
    {
        var output = new StringWriter();
        return (new ProgressTable(output, redraw: false, "round 1", Sites, Lists, () => TimeSpan.FromSeconds(75), initial: "uploading"), output);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void Not_at_a_terminal_each_change_of_a_cell_is_one_plain_line()
    {
        var (table, output) = Plain();
        table.Show(); // nothing to draw without a terminal
        table.Set("2611606", "hipertensos", "queued");
        table.Set("2304400", "diabeticos", "loading");
        table.Set("2611606", "hipertensos", "loaded +42");

        Assert.Equal(
            [
                "[01:15] round 1 2611606 Recife hipertensos: queued",
                "[01:15] round 1 2304400 Fortaleza diabeticos: loading",
                "[01:15] round 1 2611606 Recife hipertensos: loaded +42",
            ],
            Lines(output));
    }

    [Fact]
    public void Not_at_a_terminal_the_initial_state_and_a_repeated_state_print_nothing()
    {
        var (table, output) = Plain();
        table.Set("2611606", "hipertensos", "uploading");
        table.Set("2611606", "hipertensos", "queued");
        table.Set("2611606", "hipertensos", "queued");

        Assert.Equal(["[01:15] round 1 2611606 Recife hipertensos: queued"], Lines(output));
        Assert.Equal("queued", table["2611606", "hipertensos"]);
        Assert.Equal("uploading", table["2304400", "hipertensos"]);
    }

    [Fact]
    public void Not_at_a_terminal_no_control_codes_are_written()
    {
        var (table, output) = Plain();
        table.Show();
        table.Set("2611606", "hipertensos", "queued");
        table.SetWhere("2304400", onlyIf: "uploading", "upload failed");

        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Equal(3, Lines(output).Length);
    }

    [Fact]
    public void A_row_set_where_still_uploading_leaves_settled_cells_alone()
    {
        var (table, output) = Plain();
        table.Set("2304400", "diabeticos", "loaded +1");
        table.SetWhere("2304400", onlyIf: "uploading", "upload failed");

        Assert.Equal("loaded +1", table["2304400", "diabeticos"]);
        Assert.Equal("upload failed", table["2304400", "hipertensos"]);
        Assert.Equal(2, Lines(output).Length);
    }

    [Fact]
    public void At_a_terminal_the_table_is_redrawn_in_place()
    {
        var output = new StringWriter();
        var table = new ProgressTable(output, redraw: true, "round 1", Sites, Lists, () => TimeSpan.Zero, initial: "uploading");
        table.Show();
        var first = output.ToString();
        table.Set("2611606", "hipertensos", "queued");
        var second = output.ToString()[first.Length..];

        Assert.DoesNotContain("\u001b[3F", first); // nothing above it to go back over yet
        Assert.StartsWith("\u001b[3F", second); // header and two sites: back up three lines, then draw them again
        Assert.Equal(3, Regex.Count(second, "\u001b\\[2K"));
        Assert.Contains("queued", second);
    }
}
