"""Word lists the extractors share: built-in colours and common English words.

Written by hand for this project; they are small on purpose and meant to be extended.
"""

from __future__ import annotations

# Colour names shoppers use, folded through retrieval.catalog.normalize_color at load.
# A value other than None spells the canonical name (so "light gray" agrees with "grey").
BUILTIN_COLORS: dict[str, str | None] = {
    name: None
    for name in (
        "red black white grey gray blue navy green olive beige brown pink purple yellow orange gold silver"
        " burgundy teal cream tan ivory khaki charcoal maroon turquoise aqua cyan magenta lavender lilac"
        " violet indigo coral peach mint sage mustard rust copper bronze champagne taupe camel cognac"
        " chocolate espresso wine plum berry fuchsia scarlet crimson emerald jade lime lemon mauve"
        " blush nude stone sand natural multicolor multicolour rainbow clear transparent"
        " terracotta walnut oak brass"
    ).split()
} | {
    "light blue": None, "dark blue": None, "navy blue": None, "sky blue": None, "royal blue": None,
    "baby blue": None, "powder blue": None, "cobalt blue": None, "light grey": None, "dark grey": None,
    "light gray": "light grey", "dark gray": "dark grey", "charcoal grey": None, "charcoal gray": "charcoal grey",
    "dark green": None, "light green": None, "forest green": None, "olive green": None, "sage green": None,
    "mint green": None, "army green": None, "hunter green": None, "hot pink": None, "light pink": None,
    "dusty pink": None, "rose gold": None, "off white": None, "jet black": None, "dark brown": None,
    "light brown": None, "multi color": "multicolor", "multi colour": "multicolour",
}

# Colour words whose everyday sense is not a colour ("natural ingredients", "face cream",
# "a mustard jar"): they only count next to a colour cue ("in cream", "cream colour").
AMBIGUOUS_COLORS = frozenset(
    "natural assorted mustard cream plum berry walnut oak brass cognac nude rose honey chocolate coffee"
    " wine mint sand stone lemon lime peach cherry salmon rust copper bronze champagne espresso caramel"
    " cinnamon smoke ash clear terracotta camel jade emerald blush".split()
)

# Everyday words that are poor category evidence on their own, even when a store has a
# category node of that name ("ship it home", "is it safe"): single-word matches skipped.
AMBIGUOUS_CATEGORY_WORDS = frozenset({"home", "gear", "window", "safety", "writing"})

# Very short function words that never start or end a vocabulary phrase worth fuzzing.
STOPWORDS = frozenset(
    "a an the and or but of for to in on at by with from as is are was be it its this that these those"
    " my your our his her their me you we they i im do does did have has had can could will would should"
    " not no yes so if then than too very just also any some all both each one ones".split()
)

# Common English words (beyond STOPWORDS) that are never treated as typos of a brand or
# category: without this "certain" would be read as a misspelt "Curtains" and "table"
# as "Tablets". Vocabulary words themselves are added at build time.
COMMON_WORDS = frozenset(
    (
        "about above across actually add added after again against ago ahead allow almost alone along"
        " already always amazing amount another answer anyone anything anyway anywhere around arrive"
        " arrived asked asking available away awesome back bad basket because become been before"
        " behind being believe below best better between beyond bigger biggest bill birthday black"
        " blue board body book both bottom bought brand brands break bring broke broken brown budget"
        " build built business busy buy buying call called came cancel cannot card care carry cart case"
        " cases cash catalog cause certain chance change changed charge charged cheap cheaper cheapest"
        " check checkout choice choose chose christmas city clean clear click close closed coat code"
        " cold color colors colour colours come comes coming compare comfortable comfy company complete"
        " cost costs could count couple course cover covered crazy create credit current customer"
        " daily damaged dark date daughter dear deal deals deliver delivered delivery describe design"
        " details different dinner discount does doing done double down during each early easy either"
        " else email empty end enough entire especially even evening ever every everyone everything"
        " exact exactly example exchange expensive experience extra fabric fall family fancy fast"
        " father favorite favourite feel feeling felt find fine finish first fit fits fitting fixed"
        " floor follow food found free fresh friday friend friends front full funny gift gifts girl"
        " give given glad going gone good great green group guess guys half hand handle happen happy"
        " hard hate have having hear heard heavy hello help here high higher hold holiday home hope"
        " hour hours house however hurry idea important inch include included instead issue item items"
        " just keep kind knew know large last late later least leave left less light like liked likely"
        " line link list little live local long look looking looks lost love lovely lower made mail main"
        " make makes making many match matter maybe mean medium message might mind minute minutes"
        " missing moment monday money month months more morning most mother move much must name near"
        " need needed needs never news next nice night nobody none normal nothing notice number offer"
        " often okay old older once online only open option options order ordered orders other others"
        " outside over own package page paid pair pairs part past pay payment people perfect perhaps"
        " person phone pick picture piece place plain plan plastic please plus point possible post"
        " pretty price prices print probably problem product products promo proper pull purchase put"
        " quality question quick quickly quite rain rather read ready real really reason receive"
        " received recent recommend red refund regular remember remove replace reply return returns"
        " review reviews right round running safe said sale same saturday saw say says school search"
        " season second secure see seem seen sell send sent service set sets several share shipped"
        " shipping shop shopping short should show showing side sign similar simple since single size"
        " sizes small smaller soft some someone something sometimes soon sorry sort sound special"
        " spend spent square stand start started state stay still stock stop store stores straight"
        " style such sunday super support suppose sure system table take taken talk tall tell thank"
        " thanks their them then there these thing things think third those though thought three"
        " through thursday ticket time times today together told tomorrow took total track tracking"
        " tried true trust try trying tuesday turn type under until update upon used useful usual"
        " usually value very visit wait waiting want wanted wants warm warranty wash watch water way"
        " wear wearing wedding wednesday week weekend weeks weight well went were what whatever when"
        " where which while white whole why wide width wife will winter wish within without woman wonder"
        " word work worked working works world worry worth would wrong year years yellow yesterday young"
        " press dress certain table tablet cable couch match patch batch latch catch sandal scandal candle"
        " handle bundle mouse house horse sauce bread plate plane plant paint point print prince price"
        " river rover cover fever never lever later water wafer paper pepper slipper shopper"
    ).split()
)
