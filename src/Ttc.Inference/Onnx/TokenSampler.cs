namespace Ttc.Inference.Onnx;

/// <summary>Temperature / top-p sampling with its own seeded generator (stable across .NET versions).</summary>
internal sealed class TokenSampler(long seed)
{
    private ulong _state = (ulong)seed;

    /// <summary>Picks a token from <paramref name="logits"/>; temperature 0 is greedy.</summary>
    public int Sample(ReadOnlySpan<float> logits, double temperature, double topP)
    {
        int argmax = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[argmax])
            {
                argmax = i;
            }
        }

        if (temperature <= 0)
        {
            return argmax;
        }

        var probs = new double[logits.Length];
        double max = logits[argmax], sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            probs[i] = System.Math.Exp((logits[i] - max) / temperature);
            sum += probs[i];
        }

        double u = NextDouble();
        if (topP >= 1)
        {
            double target = u * sum, acc = 0;
            for (int i = 0; i < probs.Length; i++)
            {
                acc += probs[i];
                if (acc >= target)
                {
                    return i;
                }
            }

            return argmax;
        }

        // Nucleus: the smallest set of most likely tokens whose mass reaches topP.
        var order = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).ToArray();
        double keep = 0;
        int count = 0;
        while (count < order.Length && keep < topP * sum)
        {
            keep += probs[order[count++]];
        }

        double pick = u * keep, run = 0;
        for (int j = 0; j < count; j++)
        {
            run += probs[order[j]];
            if (run >= pick)
            {
                return order[j];
            }
        }

        return order[0];
    }

    private double NextDouble()
    {
        // SplitMix64.
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
