using Ttc.Inference.Onnx;

namespace Ttc.Inference.Tests;

/// <summary>The rows a thread decodes at a time: the cache rule's limits; and reading the cache's size.</summary>
public sealed class SubBatchesTests
{
    private const long MiB = 1L << 20;

    [Theory]
    // 153 positions of 2 KiB (the large generator, a 25-token prompt and 128 new tokens): 26 rows per
    // sub-batch keep two sub-batches' KV within 16 MiB.
    [InlineData(64, 16)] // a share of 32: two even rounds of 16, not 26 and 6
    [InlineData(128, 22)] // a share of 64: three rounds, 22, 22 and 20
    [InlineData(104, 26)] // a share of 52: two full rounds
    [InlineData(48, 24)] // a share of 24 fits whole
    public void MaxRows_KvOfTwoSubBatchesOverHalfTheCache_CutsToWhatFitsInEvenRounds(int rows, int expected)
    {
        Assert.Equal(expected, SubBatches.MaxRows(rows, 2, 0, 153 * 2048, 3 * MiB, 32 * MiB));
    }

    [Fact]
    public void MaxRows_LongRows_NeverBelowTheFloor()
    {
        Assert.Equal(SubBatches.MinRows, SubBatches.MaxRows(64, 2, 0, 512 * 2048, 3 * MiB, 32 * MiB));
    }

    [Theory]
    [InlineData(64, 2, 64 * 1024, 32)] // every row fits: an even share
    [InlineData(24, 2, 4 * MiB, 12)] // a share at or below the floor stays
    [InlineData(7, 2, 4 * MiB, 4)]
    public void MaxRows_NothingToGain_AnEvenShare(int rows, int parallelism, long kvBytesPerRow, int expected)
    {
        Assert.Equal(expected, SubBatches.MaxRows(rows, parallelism, 0, kvBytesPerRow, 3 * MiB, 32 * MiB));
    }

    [Fact]
    public void MaxRows_WeightsOverAQuarterOfTheCache_AnEvenShare()
    {
        // A real model rereads its weights from memory on every call: more sub-batches would cost more than the KV saves.
        Assert.Equal(32, SubBatches.MaxRows(64, 2, 0, 512 * 2048, 9 * MiB, 32 * MiB));
    }

    [Fact]
    public void MaxRows_CacheUnknown_AnEvenShare()
    {
        Assert.Equal(64, SubBatches.MaxRows(64, 1, 0, 512 * 2048, 3 * MiB, null));
    }

    [Fact]
    public void MaxRows_Configured_Wins()
    {
        Assert.Equal(5, SubBatches.MaxRows(64, 2, 5, 512 * 2048, 3 * MiB, 32 * MiB));
        Assert.Equal(40, SubBatches.MaxRows(64, 2, 40, 153 * 2048, 3 * MiB, 32 * MiB));
    }

    [Theory]
    [InlineData("32768K", 32 * MiB)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("1M", MiB)]
    [InlineData("4096", 4096L)]
    [InlineData("", null)]
    [InlineData("K", null)]
    [InlineData("12X", null)]
    public void ParseSize_SysfsSizes(string text, long? expected)
    {
        Assert.Equal(expected, CpuCache.ParseSize(text));
    }

    [Fact]
    public void Read_TakesTheHighestLevel_NullWithoutTheFolder()
    {
        var root = Directory.CreateTempSubdirectory("ttc-cache-").FullName;
        try
        {
            foreach (var (index, level, size) in new[] { ("index0", "1", "32K"), ("index2", "2", "512K"), ("index3", "3", "32768K") })
            {
                Directory.CreateDirectory(Path.Combine(root, index));
                File.WriteAllText(Path.Combine(root, index, "level"), level + "\n");
                File.WriteAllText(Path.Combine(root, index, "size"), size + "\n");
            }

            Assert.Equal(32 * MiB, CpuCache.Read(root));
            Assert.Null(CpuCache.Read(Path.Combine(root, "absent")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
