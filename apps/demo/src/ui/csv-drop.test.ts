import { describe, expect, it } from 'vitest';
import { csvColumnChoices } from './csv-drop.js';

// vega's cars in its own key order: the default target is the last column, Origin.
const CARS = [
  'Name',
  'Miles_per_Gallon',
  'Cylinders',
  'Displacement',
  'Horsepower',
  'Weight_in_lbs',
  'Acceleration',
  'Year',
  'Origin',
];

describe('the Target column and Drop columns controls', () => {
  it('offers every column but the default target (the last) to drop, and every column as target', () => {
    const c = csvColumnChoices(CARS, []);
    expect(c.target).toBe('Origin');
    expect(c.targets).toEqual(CARS);
    expect(c.droppable).toEqual(CARS.slice(0, -1));
  });

  it('changing the target moves it out of the droppable columns and puts the old one back', () => {
    const before = csvColumnChoices(CARS, ['Name'], '');
    const after = csvColumnChoices(CARS, ['Name'], 'Miles_per_Gallon');
    expect(before.droppable).not.toContain('Origin');
    expect(before.droppable).toContain('Miles_per_Gallon');
    expect(after.target).toBe('Miles_per_Gallon');
    expect(after.droppable).not.toContain('Miles_per_Gallon');
    expect(after.droppable).toContain('Origin');
    // The ticked column stays offered (ticked), so it can be unticked again.
    expect(after.droppable).toContain('Name');
  });

  it('never offers a dropped column as the target', () => {
    const c = csvColumnChoices(CARS, ['Name', 'Year'], 'Origin');
    expect(c.targets).toEqual([
      'Miles_per_Gallon',
      'Cylinders',
      'Displacement',
      'Horsepower',
      'Weight_in_lbs',
      'Acceleration',
      'Origin',
    ]);
  });

  it('a target that is dropped or unknown falls back to the last column kept, as the parser does', () => {
    expect(csvColumnChoices(['a', 'b', 'c'], ['c'], 'c').target).toBe('b');
    expect(csvColumnChoices(['a', 'b', 'c'], ['c'], 'c').droppable).toEqual(['a', 'c']);
    expect(csvColumnChoices(['a', 'b', 'c'], [], 'z').target).toBe('c');
    expect(csvColumnChoices(['a', 'b'], ['a', 'b']).target).toBe('');
  });
});
