using FaceSorter.Diagnostics;

namespace FaceSorter.Tests.Diagnostics;

public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("line\nbreak.jpg", "line\\nbreak.jpg")]
    [InlineData("cr\rtab\t.jpg", "cr\\rtab\\t.jpg")]
    [InlineData("esc\u001b[31m.jpg", "esc\\x1B[31m.jpg")]
    [InlineData("del\u007f nel\u0085.jpg", "del\\x7F nel\\x85.jpg")]
    [InlineData("ls\u2028ps\u2029.jpg", "ls\\u2028ps\\u2029.jpg")]
    [InlineData("evil\u202egpj.exe", "evil\\u202Egpj.exe")]
    public void Control_separator_and_bidi_characters_are_escaped_on_one_line(string name, string printed)
    {
        PrintableText.Escape(name).Should().Be(printed);
        PrintableText.NeedsEscaping(name).Should().BeTrue();
    }

    [Theory]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600.jpg")]
    [InlineData("cafe\u0301.jpg")]
    [InlineData("-rf <b>&amp; \"q\" back\\slash.jpg")]
    public void Printable_names_are_left_exactly_as_they_are(string name)
    {
        PrintableText.Escape(name).Should().BeSameAs(name);
        PrintableText.NeedsEscaping(name).Should().BeFalse();
    }
}
