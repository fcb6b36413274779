"""The fake server's own model table: the Gemini API's image models as the
service documents and answers them in December 2026.

Written from Google's Gemini API documentation (ai.google.dev: the image
generation guide with its dimension table, the models, changelog and
deprecations pages, December 2026) and the recorded answers of the live
service (GG_REAL_ANSWERS), never from the client's common/catalogue.json: a
wrong entry in the client's catalogue must show up as a failing test, not
be mirrored here.  Where the documentation is silent the choice is marked
ASSUMED.
"""

# Output sizes of the 3 Pro table (the documentation, "Output dimensions by
# aspect ratio").  The recordings show real answers off this table (3 Pro
# at 16:9 answered 1408x768): clients must read the size from the image.
PRO_1K = {
    "1:1": (1024, 1024), "2:3": (848, 1264), "3:2": (1264, 848), "3:4": (896, 1200),
    "4:3": (1200, 896), "4:5": (928, 1152), "5:4": (1152, 928), "9:16": (768, 1376),
    "16:9": (1376, 768), "21:9": (1584, 672),
}
# The four ratios only the 14-ratio models take.  ASSUMED: 1:8 at 1K is the
# 352x2928 of the recorded flash-lite answer (pydantic-ai
# ..._extended-aspect.json); 1:4 is 512x2048; 2K and 4K double and
# quadruple 1K as the 3 Pro table does.
EXTRA_1K = {"1:4": (512, 2048), "4:1": (2048, 512), "1:8": (352, 2928), "8:1": (2928, 352)}
FLASH_25 = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184),
    "4:3": (1184, 864), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344),
    "16:9": (1344, 768), "21:9": (1536, 672),
}


def _scaled(table, k):
    return {r: (w * k, h * k) for r, (w, h) in table.items()}


def _sizes(table, sizes):
    k = {"1K": 1, "2K": 2, "4K": 4}
    return {s: _scaled(table, k[s]) for s in sizes}


TEN = dict(PRO_1K)
FOURTEEN = dict(PRO_1K, **EXTRA_1K)

# Thinking levels as the client sends them.  The service's enum also has
# LOW and THINKING_LEVEL_UNSPECIFIED.
LEVELS = ("THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH")

# name -> what the fake needs to answer like the service.
#   sizes: the imageSize values taken ([] = imageSize refused: 2.5 Flash);
#   dimensions[size][ratio] = (w, h) ("1K" is the only key of 2.5 Flash);
#   gemini3: JPEG answers with C2PA APP11 segments, a thoughtSignature on
#     every final part, thinking tokens (the documentation, recordings);
#   levels: the thinkingLevel values taken; any other is the 400 "Thinking
#     level X is not supported for this model.";
#   image_tokens: candidates tokens per image (recordings: 1120 on the
#     gemini-3 family at 1K, 1290 on 2.5 Flash).
MODELS = {
    "gemini-nano-banana-2.1": {
        "label": "Nano Banana 2.1", "sizes": ["1K", "2K", "4K"], "default_size": "1K",
        "dimensions": _sizes(FOURTEEN, ["1K", "2K", "4K"]), "gemini3": True,
        # the documentation: "thinking levels reported as minimal / medium (default) / high".
        "levels": {"THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "MEDIUM", "HIGH"},
        "max_input_images": 14, "image_tokens": {"1K": 1120, "2K": 1120, "4K": 2000},
        "description": "Nano Banana 2.1: Gemini's default image generation and editing model.",
    },
    "gemini-3-pro-image": {
        "label": "Nano Banana Pro", "sizes": ["1K", "2K", "4K"], "default_size": "1K",
        "dimensions": _sizes(TEN, ["1K", "2K", "4K"]), "gemini3": True,
        # "thinking always on": ASSUMED it takes LOW and HIGH (as Gemini 3 Pro
        # does) and refuses MINIMAL and MEDIUM.
        "levels": {"THINKING_LEVEL_UNSPECIFIED", "LOW", "HIGH"},
        "max_input_images": 14, "image_tokens": {"1K": 1120, "2K": 1120, "4K": 2000},
        "description": "Nano Banana Pro: Gemini 3 Pro Image, studio-quality generation and editing.",
    },
    "gemini-3.1-flash-lite-image": {
        "label": "Nano Banana 2 Lite", "sizes": ["1K"], "default_size": "1K",
        "dimensions": _sizes(FOURTEEN, ["1K"]), "gemini3": True,
        # ASSUMED: no thinking level (its recorded answers have no thoughtsTokenCount).
        "levels": {"THINKING_LEVEL_UNSPECIFIED"},
        "max_input_images": 14, "image_tokens": {"1K": 1120},
        "description": "Nano Banana 2 Lite: the fastest and cheapest Gemini image model.",
    },
    "gemini-2.5-flash-image": {
        "label": "Nano Banana", "sizes": [], "default_size": "1K",
        "dimensions": {"1K": dict(FLASH_25)}, "gemini3": False,
        "levels": {"THINKING_LEVEL_UNSPECIFIED"},
        # "best with <= 3 input images": the fake refuses more (ASSUMED).
        "max_input_images": 3, "image_tokens": {"1K": 1290},
        "description": "Nano Banana: Gemini 2.5 Flash Image.",
    },
    # Known only to this server: a model that appeared after a release, for
    # the tests that show a model no catalogue knows can be listed and used.
    "gemini-nano-banana-2.2-preview": {
        "label": "Nano Banana 2.2 (preview)", "sizes": ["1K", "2K", "4K"], "default_size": "1K",
        "dimensions": _sizes(FOURTEEN, ["1K", "2K", "4K"]), "gemini3": True,
        "levels": {"THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "MEDIUM", "HIGH"},
        "max_input_images": 14, "image_tokens": {"1K": 1120, "2K": 1120, "4K": 2000},
        "description": "Preview of the next Nano Banana image model.", "server_only": True,
    },
}
for _name, _m in MODELS.items():
    _m["name"] = _name
    # What the answer-building code calls "thinking": signed parts, thought
    # tokens, thought images; the gemini-3 family thinks.
    _m["thinking"] = _m["gemini3"]
    _m["answers_jpeg"] = _m["gemini3"]

# Shut down: the service answers 404 NOT_FOUND (the documentation, first section).
RETIRED = {
    "gemini-3-pro-image-preview": ("2026-06-25", "gemini-3-pro-image"),
    "gemini-3.1-flash-image-preview": ("2026-06-25", "gemini-nano-banana-2.1"),
    "gemini-2.5-flash-image-preview": ("2026-01-15", "gemini-2.5-flash-image"),
    "gemini-3.1-flash-image": ("2026-10-29", "gemini-nano-banana-2.1"),
}

# Text (and other) models the real list shows beside the image ones: "it
# lists text models too".  generateContent asking them for an image is the
# service's 400 "Multi-modal output is not supported."
TEXT_MODELS = [
    ("gemini-2.5-flash", "Gemini 2.5 Flash", ["generateContent", "countTokens", "createCachedContent",
                                               "batchGenerateContent"], 1048576, 65536),
    ("gemini-2.5-pro", "Gemini 2.5 Pro", ["generateContent", "countTokens", "createCachedContent",
                                           "batchGenerateContent"], 1048576, 65536),
    ("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", ["generateContent", "countTokens",
                                                         "createCachedContent", "batchGenerateContent"],
     1048576, 65536),
    ("gemini-3-flash", "Gemini 3 Flash", ["generateContent", "countTokens", "createCachedContent",
                                           "batchGenerateContent"], 1048576, 65536),
    ("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", ["generateContent", "countTokens",
                                                           "createCachedContent", "batchGenerateContent"],
     1048576, 65536),
    ("gemini-embedding-001", "Gemini Embedding 001", ["embedContent", "countTextTokens", "countTokens",
                                                       "asyncBatchEmbedContent"], 2048, 1),
    ("imagen-4.0-generate-001", "Imagen 4", ["predict"], 480, 8192),
]

# The order of GET /v1beta/models: text models first, as the real list
# starts, image models between them, the server-only one last.
LIST_ORDER = ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-image", "gemini-2.5-flash-lite",
              "gemini-3-flash", "gemini-3-pro-image", "gemini-3.1-pro-preview", "gemini-3.1-flash-lite-image",
              "gemini-nano-banana-2.1", "gemini-embedding-001", "imagen-4.0-generate-001",
              "gemini-nano-banana-2.2-preview"]

TEXT_BY_NAME = {t[0]: t for t in TEXT_MODELS}


def lookup(name):
    """The image model entry for name, or None (retired, text or unknown)."""
    return MODELS.get(name)


def describe(name):
    """The Model resource of GET /v1beta/models[/{name}], or None."""
    m = MODELS.get(name)
    if m is not None:
        return {"name": "models/" + name, "version": "001", "displayName": m["label"],
                "description": m["description"], "inputTokenLimit": 131072 if m["gemini3"] else 32768,
                "outputTokenLimit": 32768,
                "supportedGenerationMethods": ["generateContent", "countTokens", "batchGenerateContent"],
                "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2,
                "thinking": bool(m["gemini3"])}
    t = TEXT_BY_NAME.get(name)
    if t is not None:
        d = {"name": "models/" + name, "version": "001", "displayName": t[1], "description": t[1],
             "inputTokenLimit": t[3], "outputTokenLimit": t[4], "supportedGenerationMethods": t[2]}
        if "generateContent" in t[2]:
            d.update({"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": True})
        return d
    return None
