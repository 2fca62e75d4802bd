"""Hand-written news texts for the story tests: a few events, each told by several
outlets in their own words, and reports on the same subjects that are other events."""

LLAMA_APRIL = (
    "Meta released Llama 2 on Tuesday, a family of open language models that the company "
    "says rivals GPT-3.5 on most benchmarks. Mark Zuckerberg said the 70 billion parameter "
    "model would be free for research and commercial use, and Microsoft will offer it on "
    "Azure. The release comes as OpenAI and Google race to ship larger systems. Yann LeCun, "
    "Meta's chief AI scientist, called open models the safest path. Analysts at Bernstein "
    "said the move puts pressure on rivals who charge for access to their models.")

LLAMA_APRIL_REWRITE = (
    "Facebook's parent company has put out Llama 2, a free set of language models, and "
    "Microsoft is its launch partner on Azure. In a post, Mark Zuckerberg argued that open "
    "software makes AI safer, a view Yann LeCun has long defended. The largest version has "
    "70 billion parameters and, by Meta's own tests, comes close to GPT-3.5. Bernstein "
    "analysts expect the free licence to squeeze OpenAI and Google, which sell access to "
    "their own systems. Researchers and companies can download it from Tuesday.")

LLAMA_JULY = (
    "Meta released Llama 3 on Thursday, its newest open language model, which the company "
    "says beats GPT-4 on several coding benchmarks. Mark Zuckerberg said the 400 billion "
    "parameter model is still training, and the 8 billion and 70 billion versions are out "
    "now on Azure and AWS. The launch follows OpenAI's GPT-4o and Google's Gemini 1.5. "
    "Yann LeCun said open models would win in the long run. Analysts at Bernstein said "
    "rivals would have to cut prices.")

CHATBOT_LAUNCH = (
    "Meta launched Meta AI on Wednesday, a chatbot built into WhatsApp, Instagram and "
    "Messenger that runs on its Llama models. Mark Zuckerberg said it would be the most "
    "used assistant in the world by the end of the year. The chatbot can search the web "
    "with Bing and make images. It is available in English in 14 countries, including "
    "the United States, Australia and Canada. Analysts said the launch puts Meta in "
    "direct competition with OpenAI's ChatGPT.")

GEMINI_SAME_DAY = (
    "Google unveiled Gemini 1.5 on Tuesday, a language model that can read a million "
    "tokens at once, and said it will reach developers through Vertex AI. Sundar Pichai "
    "said the model matches Gemini Ultra while using less computing power. Demis Hassabis "
    "of Google DeepMind said the long context window lets it read whole codebases. The "
    "release comes as OpenAI and Meta race to ship larger systems. Analysts at Morgan "
    "Stanley said cloud customers would test it first.")

STRIKE = (
    "Train drivers in Germany walked out on Friday in a 35-hour strike called by the GDL "
    "union, cancelling most long-distance services run by Deutsche Bahn. Union leader "
    "Claus Weselsky said talks had failed over a 35-hour working week. Deutsche Bahn "
    "called the strike an attack on passengers and said only one in five ICE trains "
    "would run. Freight was also hit, with economists at Commerzbank estimating the cost "
    "at 100 million euros a day. The strike is the sixth in the dispute since November.")
