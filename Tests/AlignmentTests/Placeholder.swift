import Testing

@Test func alignmentPlaceholder() { #expect(Bool(true)) }
