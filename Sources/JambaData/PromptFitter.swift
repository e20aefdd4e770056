/// Finds how many haystack sentences make the longest prompt that still fits a token budget.
///
/// Sentence counts are only an estimate of the whole prompt's count (BPE merges across sentence
/// boundaries; separators cost tokens), so every candidate is re-counted in full with the real
/// counter, and the answer is the largest n whose *real* count fits: the stated length is never a
/// guess. The estimate plus the drift seen at the last probe proposes the next n, so a 128K prompt
/// settles in a few full counts (measured: 2 with an additive counter, up to 5 with the
/// non-additive CharacterTokenCounter); if it does not, the search falls back to bisection
/// between the best fitting and the smallest overflowing n.
enum PromptFitter {
    struct Fit {
        let sentences: Int
        let tokens: Int
    }

    /// - fixedTokens: estimated tokens of everything but the haystack (template, needles).
    /// - count: the real token count of the prompt built with n sentences.
    static func fit(budget: Int, fixedTokens: Int, haystack: Haystack, count: (Int) -> Int) -> Fit? {
        var good: Fit?
        var bad: Int?
        var n = haystack.count(fittingIn: budget - fixedTokens)
        var probes = 0
        while true {
            let tokens = count(n)
            probes += 1
            if tokens <= budget {
                if good == nil || n > good!.sentences { good = Fit(sentences: n, tokens: tokens) }
            } else if bad == nil || n < bad! {
                bad = n
            }
            if let b = bad, b == 0 { return nil }
            if let g = good, let b = bad, b <= g.sentences + 1 { return good }
            if probes >= 48 { return good }
            // Next proposal: the estimate corrected by this probe's drift, kept strictly between
            // the best fitting and the smallest overflowing n — so when the estimate says "n is
            // it", the next probe is n + 1 (or n − 1), which settles the answer.
            let drift = tokens - (fixedTokens + haystack.prefix[n])
            let low = (good?.sentences ?? -1) + 1
            let high = (bad ?? Int.max) - 1
            var next = min(max(haystack.count(fittingIn: budget - fixedTokens - drift), low), high)
            if probes >= 6 {
                // Not converging (a counter far from additive): bisect, or grow until overflow.
                next = bad != nil ? (low + high + 1) / 2 : max(low, n + max(1, (n + 1) / 8))
            }
            n = min(max(next, 0), high)
        }
    }
}
