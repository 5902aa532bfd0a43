using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NetVips;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>Issue 14, bad input from a new-user trial: oversized and broken pictures are not decoded row by row, and libvips' messages reach our log.</summary>
public sealed class BadPictureTests
{
    [Fact]
    public void A_png_whose_header_claims_100000_by_100000_pixels_is_refused_from_its_header_with_the_reason()
    {
        using var folder = new TempFolder();
        var bomb = TestImages.Write(folder.Path, "bomb.png", BadPictures.Bomb());
        new FileInfo(bomb).Length.Should().BeLessThan(6_000);

        var picture = new PictureDecoder(previewSize: 1440).TryDecode(bomb, out var failure, out var kind);

        picture.Should().BeNull();
        kind.Should().Be(DecodeFailure.Refused);
        failure.Should().Contain("100000×100000").And.Contain("over the limit of 268,402,689");
    }

    [Fact]
    public void The_ML_preview_of_a_decompression_bomb_fails_with_the_pixel_limit_as_its_reason()
    {
        using var folder = new TempFolder();
        var bomb = TestImages.Write(folder.Path, "bomb.png", BadPictures.Bomb());

        var preview = new PreviewMaker(Microsoft.Extensions.Options.Options.Create(new ImmichOptions())).Make(bomb);

        preview.Failure.Should().Contain("100000×100000").And.Contain("not decoded");
    }

    [Fact]
    public void A_picture_just_under_the_pixel_limit_is_not_refused()
    {
        using var folder = new TempFolder();
        var atLimit = TestImages.Write(folder.Path, "wide.png", BadPictures.Bomb(width: 0x3FFF * 0x3FFF / 64, height: 64)); // 268,402,688 pixels; its rows run out, which is another failure

        new PictureDecoder(previewSize: null).TryDecode(atLimit, out var failure, out var kind);

        kind.Should().NotBe(DecodeFailure.Refused, failure);
    }

    [Fact]
    public void A_truncated_jpeg_fails_at_its_first_error_instead_of_decoding_with_a_warning()
    {
        using var folder = new TempFolder();
        var cut = TestImages.Write(folder.Path, "cut.jpg", BadPictures.TruncatedJpeg());

        var picture = new PictureDecoder(previewSize: null).TryDecode(cut, out var failure, out var kind);

        picture.Should().BeNull("a truncated file is not read to its end with grey rows");
        kind.Should().Be(DecodeFailure.Broken, "libvips has a JPEG loader for it");
        failure.Should().Contain("truncated or corrupt").And.NotContain("unable to");
    }

    [Fact]
    public void The_reason_for_a_file_libvips_cannot_read_names_the_problem_not_the_operation()
    {
        using var folder = new TempFolder();
        var text = TestImages.Write(folder.Path, "notes.jpg", "just some words"u8.ToArray());

        var exception = FluentActions.Invoking(() => Image.Thumbnail(text, 320, failOn: PictureLimits.FailOn)).Should().Throw<VipsException>().Which;

        exception.Message.Should().StartWith("unable to call thumbnail", "libvips' own first line is what the page showed");
        PictureLimits.Reason(exception).Should().NotContain("unable to call").And.Be("libvips does not know its format");
    }

    [Fact]
    public async Task Libvips_warnings_go_to_our_log_at_debug_not_to_stderr()
    {
        using var folder = new TempFolder();
        var bomb = TestImages.Write(folder.Path, "small-bomb.png", BadPictures.Bomb(1000, 1000)); // rows run out: a warning each
        var logger = new FakeLogger<LibvipsLogging>();
        var logging = new LibvipsLogging(logger);
        await logging.StartAsync(CancellationToken.None);
        try
        {
            using var image = Image.Thumbnail(bomb, 64, failOn: Enums.FailOn.None); // decodes on, warning as it goes
            image.Avg();
        }
        finally
        {
            await logging.StopAsync(CancellationToken.None);
        }

        logger.Collector.GetSnapshot().Should().Contain(record => record.Level == LogLevel.Debug && record.Message.StartsWith("libvips (VIPS, warning)", StringComparison.Ordinal) && record.Message.Contains("not enough data"));
    }

    [Fact]
    public async Task Libvips_messages_reach_our_log_without_their_trailing_newline()
    {
        using var folder = new TempFolder();
        var cut = TestImages.Write(folder.Path, "headeronly.jpg", (await File.ReadAllBytesAsync(RealPhotos.All()[0], TestContext.Current.CancellationToken))[..600]);
        var logger = new FakeLogger<LibvipsLogging>();
        var logging = new LibvipsLogging(logger);
        await logging.StartAsync(CancellationToken.None);
        try
        {
            new PictureDecoder(previewSize: null).TryDecode(cut).Should().BeNull();
        }
        finally
        {
            await logging.StopAsync(CancellationToken.None);
        }

        var messages = logger.Collector.GetSnapshot().Select(record => record.Message).ToList();
        messages.Should().Contain(message => message.Contains("premature end of JPEG image", StringComparison.Ordinal));
        messages.Should().OnlyContain(message => message == message.TrimEnd(), "libvips ends its messages in a newline, which is no part of the line");
    }

    [Fact]
    public void A_file_libvips_has_no_loader_for_is_an_unknown_format_not_a_broken_picture_and_leaves_no_error_behind()
    {
        using var folder = new TempFolder();
        var clip = TestImages.Write(folder.Path, "clip.mp4", TestImages.WithHeader([0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8], seed: 1));
        var cut = TestImages.Write(folder.Path, "cut.jpg", BadPictures.TruncatedJpeg());
        var decoder = new PictureDecoder(previewSize: null);

        decoder.TryDecode(clip, out var clipFailure, out var clipKind).Should().BeNull();
        decoder.TryDecode(cut, out var cutFailure, out var cutKind).Should().BeNull();

        clipKind.Should().Be(DecodeFailure.UnknownFormat);
        clipFailure.Should().Be("libvips does not know its format");
        cutKind.Should().Be(DecodeFailure.Broken);
        cutFailure.Should().Be("it is truncated or corrupt (libvips reads it as JPEG and stops at an error in it)", "the reason is this file's own, never an error another decode left in libvips' shared buffer");
    }
}
