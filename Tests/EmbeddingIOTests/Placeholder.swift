import Testing

@Test func embeddingioPlaceholder() { #expect(Bool(true)) }
