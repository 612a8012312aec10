import Testing

@Test func retrievalPlaceholder() { #expect(Bool(true)) }
