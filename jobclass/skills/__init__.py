"""Skills and tools: the taxonomy (`taxonomy`) and what a posting asks for (`extraction`)."""
