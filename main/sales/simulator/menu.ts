/**
 * The simulated restaurant's menu: what a hot-pot table orders, with a price in each currency the
 * simulator speaks (integer minor units: US cents, Russian kopecks) and the tax a till adds.
 */

/** The currencies the simulator prices its menu in. */
export const SIM_CURRENCIES = ['USD', 'RUB'] as const;
export type SimCurrency = (typeof SIM_CURRENCIES)[number];

/** What part of the meal an item is. */
export type MenuCategory = 'broth' | 'meat' | 'seafood' | 'tofu' | 'vegetable' | 'noodle' | 'sauce' | 'drink';

/** One dish or drink. */
export interface MenuItem {
  itemId: string;
  name: string;
  category: MenuCategory;
  /** Before tax, per currency, in minor units. */
  priceMinor: Readonly<Record<SimCurrency, number>>;
}

/**
 * Tax added on top of a line's discounted price (the contract's line total is price − discount +
 * tax): New York City's sales tax for dollars, Russia's standard VAT for roubles.
 */
export const TAX_RATE: Readonly<Record<SimCurrency, number>> = { USD: 0.08875, RUB: 0.2 };

function item(itemId: string, name: string, category: MenuCategory, usdCents: number, rubKopecks: number) {
  return { itemId, name, category, priceMinor: { USD: usdCents, RUB: rubKopecks } } satisfies MenuItem;
}

/** The menu, by category. Prices are a mid-priced city restaurant's in 2026. */
export const MENU: Readonly<Record<MenuCategory, readonly MenuItem[]>> = {
  broth: [
    item('broth-mala', 'Mala spicy broth', 'broth', 899, 49_000),
    item('broth-tomato', 'Tomato broth', 'broth', 799, 42_000),
    item('broth-mushroom', 'Wild mushroom broth', 'broth', 799, 42_000),
    item('broth-bone', 'Pork bone broth', 'broth', 849, 45_000),
    item('broth-split', 'Yin-yang pot (two broths)', 'broth', 1199, 62_000),
  ],
  meat: [
    item('meat-lamb', 'Lamb shoulder slices', 'meat', 1299, 69_000),
    item('meat-beef', 'Beef ribeye slices', 'meat', 1499, 79_000),
    item('meat-pork-belly', 'Pork belly slices', 'meat', 1099, 55_000),
    item('meat-beef-balls', 'Beef meatballs', 'meat', 899, 45_000),
  ],
  seafood: [
    item('sea-shrimp', 'Tiger shrimp', 'seafood', 1399, 72_000),
    item('sea-fish', 'Sliced fish fillet', 'seafood', 1199, 59_000),
    item('sea-squid', 'Squid', 'seafood', 999, 52_000),
    item('sea-fish-balls', 'Fish balls', 'seafood', 699, 35_000),
  ],
  tofu: [
    item('tofu-fresh', 'Fresh tofu', 'tofu', 499, 24_000),
    item('tofu-puffs', 'Fried tofu puffs', 'tofu', 549, 26_000),
    item('tofu-skin', 'Tofu skin rolls', 'tofu', 599, 29_000),
  ],
  vegetable: [
    item('veg-napa', 'Napa cabbage', 'vegetable', 399, 19_000),
    item('veg-spinach', 'Spinach', 'vegetable', 449, 21_000),
    item('veg-enoki', 'Enoki mushrooms', 'vegetable', 549, 27_000),
    item('veg-shiitake', 'Shiitake mushrooms', 'vegetable', 599, 29_000),
    item('veg-potato', 'Potato slices', 'vegetable', 399, 18_000),
    item('veg-lotus', 'Lotus root', 'vegetable', 499, 24_000),
    item('veg-corn', 'Sweet corn', 'vegetable', 399, 19_000),
  ],
  noodle: [
    item('noodle-hand-pulled', 'Hand-pulled noodles', 'noodle', 399, 19_000),
    item('noodle-glass', 'Glass noodles', 'noodle', 349, 17_000),
    item('noodle-udon', 'Udon', 'noodle', 449, 21_000),
    item('noodle-rice-cake', 'Rice cakes', 'noodle', 449, 22_000),
  ],
  sauce: [
    item('sauce-bar', 'Sauce bar (per guest)', 'sauce', 299, 15_000),
    item('sauce-sesame', 'Sesame paste', 'sauce', 149, 7_000),
    item('sauce-chili-oil', 'Chili oil', 'sauce', 149, 7_000),
  ],
  drink: [
    item('drink-plum', 'Sour plum juice', 'drink', 399, 19_000),
    item('drink-soy-milk', 'Chilled soy milk', 'drink', 349, 17_000),
    item('drink-soda', 'Soda', 'drink', 299, 15_000),
    item('drink-beer', 'Tsingtao beer', 'drink', 599, 29_000),
    item('drink-tea', 'Pot of jasmine tea', 'drink', 499, 25_000),
  ],
};

/** Every item once. */
export const MENU_ITEMS: readonly MenuItem[] = Object.values(MENU).flat();
